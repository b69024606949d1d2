import os

from fastapi import FastAPI, HTTPException

app = FastAPI(title="weather-api")

UNITS = os.environ.get("WEATHER_UNITS", "metric")
READINGS = {"oslo": -3.5, "lisbon": 17.0, "cairo": 29.5}


def convert(celsius: float) -> float:
    return round(celsius * 9 / 5 + 32, 1) if UNITS == "imperial" else celsius


@app.get("/")
def index():
    return {"cities": sorted(READINGS), "units": UNITS}


@app.get("/weather/{city}")
def weather(city: str):
    if city.lower() not in READINGS:
        raise HTTPException(status_code=404, detail=f"no reading for {city}")
    return {"city": city.lower(), "temperature": convert(READINGS[city.lower()])}
