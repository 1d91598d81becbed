"""The second ceiling: a minimal Flask + SQLAlchemy + Jinja page that renders the same products
as the first page of `/menu` (same query, same order, 24 of them) with no layout, CSRF, session,
cart or caching. `DATABASE_URL=… gunicorn benchmarks.minimal:app`."""
from __future__ import annotations

import os

import sqlalchemy as sa
from flask import Flask, render_template_string

engine = sa.create_engine(os.environ["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1),
                          pool_size=5)
app = Flask(__name__)

PRODUCTS = sa.text("""
    SELECT p.id, p.name, p.slug, p.description, p.price, p.image_path, c.name AS category
    FROM products p JOIN categories c ON c.id = p.category_id
    WHERE p.deleted_at IS NULL AND p.is_available
    ORDER BY p.is_featured DESC, p.position, p.name, p.id LIMIT 24""")
DIETS = sa.text("SELECT product_id, diet FROM product_diets WHERE product_id = ANY(:ids)")

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Menu</title></head><body>
<h1>Menu</h1><ul>{% for p in products %}<li><article><h3><a href="/menu/{{ p.slug }}">{{ p.name }}</a></h3>
<p>{{ p.description|truncate(90) }}</p><p>{{ p.category }} · £{{ p.price }}</p>
{% if diets[p.id] %}<ul>{% for d in diets[p.id] %}<li>{{ d }}</li>{% endfor %}</ul>{% endif %}
</article></li>{% endfor %}</ul></body></html>"""


@app.get("/")
def menu():
    with engine.connect() as conn:
        products = conn.execute(PRODUCTS).all()
        diets: dict[int, list[str]] = {p.id: [] for p in products}
        for product_id, diet in conn.execute(DIETS, {"ids": list(diets)}):
            diets[product_id].append(diet)
    return render_template_string(PAGE, products=products, diets=diets)
