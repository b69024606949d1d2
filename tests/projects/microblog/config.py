import os

basedir = os.path.abspath(os.path.dirname(__file__))


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY") or "you-will-never-guess"
    DATABASE_PATH = os.environ.get("DATABASE_PATH") or os.path.join(basedir, "app.db")
    POSTS_PER_PAGE = int(os.environ.get("POSTS_PER_PAGE") or 10)
