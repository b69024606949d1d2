import os

import uvicorn
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

app = FastAPI(title=os.environ.get("APP_TITLE", "todo-api"))


class Todo(BaseModel):
    title: str
    done: bool = False


TODOS: dict[int, Todo] = {}


@app.get("/")
def root():
    return {"service": app.title, "count": len(TODOS)}


@app.post("/todos", status_code=201)
def create(todo: Todo):
    todo_id = len(TODOS) + 1
    TODOS[todo_id] = todo
    return {"id": todo_id, **todo.model_dump()}


@app.get("/todos/{todo_id}")
def read(todo_id: int):
    if todo_id not in TODOS:
        raise HTTPException(status_code=404, detail="not found")
    return TODOS[todo_id]


if __name__ == "__main__":
    uvicorn.run(app, host="0.0.0.0", port=8000)
