import os

import bottle

app = bottle.Bottle()
SITE = os.environ.get("SITE_NAME", "hashed-reqs")


@app.get("/")
def index():
    return {"site": SITE, "bottle": bottle.__version__}


@app.get("/hello/<name>")
def hello(name):
    return bottle.template("<b>Hello {{name}}</b> from {{site}}", name=name, site=SITE)
