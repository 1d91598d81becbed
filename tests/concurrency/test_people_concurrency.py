"""Two admins demote each other at the same moment, over real HTTP on PostgreSQL: the shop keeps
exactly one admin. Without the lock on the admins' rows both would count two admins, both
demotions would pass, and nobody could manage people any more."""
from __future__ import annotations

import sqlalchemy as sa

from storefront.accounts.models import Role, User
from storefront.core.audit import AuditEntry
from storefront.extensions import db
from tests.concurrency.test_checkout_concurrency import all_at_once
from tests.concurrency.test_staff_concurrency import signed_in_staff
from tests.support.builders import make_user
from tests.support.servers import LiveServer

ROUNDS = 5


def test_two_admins_demoting_each_other_at_once_leave_exactly_one_admin(pg_app):
    server = LiveServer(pg_app).start()
    try:
        for n in range(ROUNDS):
            emails = (f"ana{n}@example.com", f"ben{n}@example.com")
            ids = [make_user(email, role=Role.ADMIN).id for email in emails]
            # Earlier rounds' survivors step aside first, so only these two are admins.
            db.session.execute(sa.update(User).where(User.id.not_in(ids), User.role == Role.ADMIN)
                               .values(role=Role.STAFF))
            db.session.commit()
            admins = [signed_in_staff(server.url, email) for email in emails]
            calls = [lambda person=person, csrf=csrf, other=other: person.post_page(
                f"{server.url}/staff/people/{other}/role", {"csrf_token": csrf, "role": "staff",
                                                            "seen": "admin:active"})
                for (person, csrf), other in zip(admins, reversed(ids))]
            results = all_at_once(calls)
            winners = [page for status, page in results if status == 200 and "is now staff" in page]
            assert len(winners) == 1, (n, [status for status, _ in results])
            # The other is refused under the lock — or, arriving after the demotion committed,
            # finds its session ended (a demotion signs the demoted out): sent to sign in (the
            # "please sign in" note is lost when the ending lands between the redirect and the
            # sign-in page), or refused at the CSRF check since the token lived in that session
            # (400), or, as staff now, shown that People is not theirs (403).
            status, loser = next((status, page) for status, page in results if page is not winners[0])
            signed_out = status == 200 and "<h1>Sign in</h1>" in loser
            assert ("at least one active admin" in loser or "Only an active admin" in loser
                    or "Please sign in" in loser or signed_out
                    or (status == 400 and "This form has expired" in loser)
                    or (status == 403 and "You can't see this page" in loser)), (
                n, status, loser[loser.find("<h1"):loser.find("</h1>")])
            db.session.expire_all()
            roles = sorted(db.session.scalars(sa.select(User.role).where(User.id.in_(ids))))
            assert roles == [Role.ADMIN, Role.STAFF], (n, roles)
    finally:
        server.stop()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "people.role")) == ROUNDS
