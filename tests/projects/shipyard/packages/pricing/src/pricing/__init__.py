RATE_PER_KG = {"standard": 1.5, "express": 4.0}


def quote(weight_kg: float, service: str = "standard") -> float:
    if weight_kg <= 0:
        raise ValueError("weight must be positive")
    if service not in RATE_PER_KG:
        raise ValueError(f"unknown service {service!r}")
    return round(2.0 + weight_kg * RATE_PER_KG[service], 2)
