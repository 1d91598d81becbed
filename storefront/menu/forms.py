"""The menu's search-and-filter form: a GET form, so results have a shareable address."""
from __future__ import annotations

from wtforms import SearchField, SelectChoice, SelectField, SelectMultipleField
from wtforms.validators import NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..core.fields import WholeNumberField
from ..core.forms import QueryForm
from .models import ALLERGENS, DIETS
from .search import clean_query
from .service import SORTS


def choices(labels: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class MenuFilterForm(QueryForm):
    q = SearchField("Search the menu", filters=[clean_query])
    category = SelectField("Category", validate_choice=True)
    diet = CheckboxesField("Dietary needs", choices=choices(DIETS))
    free_from = CheckboxesField("Leave out anything containing", choices=choices(ALLERGENS))
    # "Recommended" is the best match when searching and our featured order otherwise.
    sort = SelectField("Sort by", default="", choices=[SelectChoice("", "Recommended")] + [
        SelectChoice(value, label) for value, label in SORTS.items() if value not in ("featured", "relevance")])
    page = WholeNumberField("Page", message="Enter a page number",
                            validators=[Optional(), NumberRange(min=1, max=10_000)])

    def __init__(self, formdata, categories):
        super().__init__(formdata)
        self.category.choices = [SelectChoice("", "All categories")] + [SelectChoice(c.slug, c.name) for c in categories]
