from fastapi import Depends, FastAPI

from .dependencies import get_token_header
from .internal import admin
from .routers import health, items

app = FastAPI()

app.include_router(health.router)
app.include_router(items.router)
app.include_router(
    admin.router,
    prefix="/admin",
    tags=["admin"],
    dependencies=[Depends(get_token_header)],
)


@app.get("/")
async def root():
    return {"message": "Hello Bigger Applications!"}
