"""`/staff/points`: add or take a customer's loyalty points, with a reason (audited)."""
from __future__ import annotations

from flask import flash, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ..core import formkeys
from ..core.htmx import redirect_to, render
from ..core.rules import RuleViolation, populate_errors
from ..core.time import utcnow
from ..extensions import db
from ..loyalty import service
from ..loyalty.forms import AdjustForm
from . import bp


@bp.route("/points", methods=["GET", "POST"])
def points():
    form = AdjustForm()
    if not form.is_submitted():
        form.key.data = formkeys.issue()
        return render("staff/points.html", form=form)
    if form.validate() and formkeys.claim(form):
        try:
            customer = service.customer_by_email(db.session, form.email.data)
            entry = service.adjust(db.session, customer.id, form.points.data, form.reason.data,
                                   actor_id=current_user.id, now=utcnow(), key=form.key.data)
            db.session.commit()
        except RuleViolation as violation:
            db.session.rollback()
            populate_errors(form, violation)
        except IntegrityError:   # the same form, sent twice at once, committed first elsewhere
            db.session.rollback()
            flash("Those points were already adjusted.", "success")
            return redirect_to(url_for("staff.points"))
        else:
            flash(f"{customer.email}: {entry.points:+d} points, balance now {entry.balance_after}.", "success")
            return redirect_to(url_for("staff.points"))
    return render("staff/points.html", status=422, form=form)
