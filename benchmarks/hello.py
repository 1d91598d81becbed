"""The ceiling: bare Flask answering a constant. `gunicorn benchmarks.hello:app`."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "hello"
