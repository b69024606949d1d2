from litestar import Litestar, get
from litestar.exceptions import HTTPException

import pricing


@get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@get("/quote")
async def get_quote(weight: float, service: str = "standard") -> dict[str, float | str]:
    try:
        price = pricing.quote(weight, service)
    except ValueError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from exc
    return {"service": service, "weight": weight, "price": price}


app = Litestar(route_handlers=[health, get_quote])
