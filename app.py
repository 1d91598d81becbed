"""What `flask --app app` and `gunicorn app:app` load."""
from storefront import create_app

app = create_app()
