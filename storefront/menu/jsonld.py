"""schema.org data for a product page, so search engines can show price and availability."""
from __future__ import annotations

from .models import Product
from .service import stock_state


def product_jsonld(product: Product, *, url: str, image_url: str | None, currency: str, store_name: str) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": ["Product", "MenuItem"],
        "name": product.name,
        "description": product.description,
        "url": url,
        "category": product.category.name,
        "offers": {
            "@type": "Offer",
            "price": str(product.price),
            "priceCurrency": currency,
            "availability": "https://schema.org/SoldOut" if stock_state(product)[0] == "sold-out"
            else "https://schema.org/InStock",
            "seller": {"@type": "Bakery", "name": store_name},
        },
    }
    if image_url:
        data["image"] = image_url
    if product.diets:
        diet_types = {"vegetarian": "VegetarianDiet", "vegan": "VeganDiet", "gluten-free": "GlutenFreeDiet"}
        suitable = [f"https://schema.org/{diet_types[d]}" for d in product.diets if d in diet_types]
        if suitable:
            data["suitableForDiet"] = suitable
    return data
