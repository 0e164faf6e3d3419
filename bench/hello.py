"""The bare Flask app the load benchmark compares against: ``gunicorn bench.hello:app``."""
from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "hello"
