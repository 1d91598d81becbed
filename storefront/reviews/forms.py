"""Review forms. Limits match the columns, so nothing valid here can fail in the database."""
from __future__ import annotations

from wtforms import HiddenField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, StopValidation

from ..core.forms import PostForm, QueryForm
from .service import REPORT_REASONS, SORTS

BODY_MIN, BODY_MAX, TITLE_MAX = 10, 2000, 120
STAR_WORDS = {5: "Excellent", 4: "Good", 3: "Average", 2: "Poor", 1: "Terrible"}


def tidy(value):
    """Trim, and make Windows line endings plain ones (so the length is what the reader sees)."""
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else value


class StarsField(RadioField):
    """1–5 stars as a radio group. Anything else (missing, 0, 6, "five") gets one plain sentence
    rather than WTForms' "Not a valid choice"."""

    def __init__(self, label: str, **kwargs):
        article = "an" if label[0].lower() in "aeiou" else "a"
        self.message = f"Choose {article} {label.lower()} rating from 1 to 5 stars" if label != "Rating" else \
            "Choose a rating from 1 to 5 stars"
        choices = [SelectChoice(n, f"{n} star{'s' if n > 1 else ''}: {STAR_WORDS[n]}") for n in (5, 4, 3, 2, 1)]
        super().__init__(label, choices=choices, coerce=int, validate_choice=False,
                         validators=[InputRequired(self.message)], **kwargs)

    def process_formdata(self, valuelist):
        if valuelist:
            raw = valuelist[0].strip()
            self.data = int(raw) if raw in ("1", "2", "3", "4", "5") else None
            if self.data is None:
                raise ValueError(self.message)

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()
        if self.data not in STAR_WORDS:
            raise StopValidation(self.message)


class ReviewForm(PostForm):
    """A product review; visit reviews add the sub-ratings and the visit."""

    rating = StarsField("Rating")
    title = StringField("Title (optional)", filters=[tidy], validators=[
        Optional(), Length(max=TITLE_MAX, message=f"Keep the title to {TITLE_MAX} characters or fewer")])
    body = TextAreaField("Your review", filters=[tidy], validators=[
        DataRequired("Write your review"),
        Length(min=BODY_MIN, max=BODY_MAX, message=f"Write between {BODY_MIN} and {BODY_MAX} characters")])


class VisitRatingsForm(ReviewForm):
    """A visit review as its author edits it: the visit it is tied to does not change."""

    food = StarsField("Food")
    service = StarsField("Service")
    ambience = StarsField("Ambience")


class VisitReviewForm(VisitRatingsForm):
    # The service checks the visit is one of the customer's own (with a sentence that says so).
    visit = SelectField("Which visit?", default="", validate_choice=False)
    invite = HiddenField()


class HelpfulForm(PostForm):
    """Mark or unmark helpful: `helpful` is "1" to mark, "0" to take the vote back."""

    helpful = HiddenField(default="1")


class ReportForm(PostForm):
    reason = SelectField("Why are you reporting this review?", validate_choice=True,
                         choices=[SelectChoice("", "Choose a reason")] + [
                             SelectChoice(k, v) for k, v in REPORT_REASONS.items()],
                         validators=[DataRequired("Choose a reason")])
    note = TextAreaField("Anything else staff should know (optional)", filters=[tidy], validators=[
        Optional(), Length(max=500, message="Keep it to 500 characters or fewer")])


class DeleteForm(PostForm):
    """Deleting takes a posted form (with its CSRF token), never a link."""


class ListForm(QueryForm):
    """Sort and filter a list of reviews (GET, so the address can be shared)."""

    sort = SelectField("Sort reviews by", default="newest", choices=[SelectChoice(k, v) for k, v in SORTS.items()])
    stars = SelectField("Show", default="", choices=[SelectChoice("", "All ratings")] + [
        SelectChoice(str(n), f"{n} stars" if n > 1 else "1 star") for n in (5, 4, 3, 2, 1)])
    verified = SelectField("From", default="", choices=[SelectChoice("", "Everyone"),
                                                        SelectChoice("1", "Verified reviewers only")])
    page = StringField("Page")
