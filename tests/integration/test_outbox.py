"""Mail through the outbox: written with the change, delivered by `flask outbox send`,
retried when delivery fails, never lost; text alone, or text with HTML and attachments."""
from __future__ import annotations

import email
import email.policy
from datetime import timedelta

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from storefront.core import outbox
from storefront.core.mail import Attachment
from storefront.core.outbox import MailSettings, OutboxMessage, send_due
from storefront.core.time import utcnow
from storefront.extensions import db
from tests.support.servers import free_port


def settings(tmp_path, **overrides) -> MailSettings:
    values = dict(sender="Shop <shop@example.com>", server=None, port=25, username=None, password=None,
                  use_tls=False, use_ssl=False, timeout=5, file_dir=tmp_path / "mail")
    values.update(overrides)
    return MailSettings(**values)


def queue(n=1):
    for i in range(n):
        outbox.enqueue(db.session, to=f"person{i}@example.com", subject=f"Hello {i}", body=f"Body {i} – £3.20")
    db.session.commit()


def test_a_message_is_written_only_if_its_transaction_commits(app_ctx):
    outbox.enqueue(db.session, to="a@example.com", subject="s", body="b")
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0


def test_without_a_mail_server_messages_become_eml_files(app_ctx, tmp_path):
    queue(2)
    report = send_due(db.session, settings(tmp_path))
    assert (report.sent, report.failed) == (2, 0)
    # Files are named to sort in the order they were sent (oldest first, newest last).
    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 2
    parsed = email.message_from_bytes(files[0].read_bytes())
    assert parsed["To"] == "person0@example.com" and parsed["From"] == "Shop <shop@example.com>"
    assert email.message_from_bytes(files[1].read_bytes())["To"] == "person1@example.com"
    assert "£3.20" in parsed.get_payload(decode=True).decode()
    assert send_due(db.session, settings(tmp_path)).sent == 0  # nothing is sent twice


closed_port = free_port  # a port nothing listens on


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


def test_messages_are_delivered_over_smtp(app_ctx, tmp_path, smtp_server):
    controller, inbox = smtp_server
    queue(3)
    report = send_due(db.session, settings(tmp_path, server="127.0.0.1", port=controller.port))
    assert report.sent == 3
    assert sorted(m.rcpt_tos[0] for m in inbox.messages) == [f"person{i}@example.com" for i in range(3)]
    assert db.session.scalar(sa.select(sa.func.count()).where(OutboxMessage.sent_at.is_(None))) == 0


CALENDAR = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


def queue_html():
    outbox.enqueue(db.session, to="robin@example.com", subject="Your table", body="Booked – £3.20\n",
                   html="<!DOCTYPE html><p>Booked – £3.20</p>",
                   attachments=[Attachment("booking-K7.ics", "text/calendar; method=PUBLISH", CALENDAR)])
    db.session.commit()
    db.session.expire_all()  # what is sent is what the database kept


def assert_multipart(raw: bytes) -> None:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message.get_content_type() == "multipart/mixed"
    assert message.get_body(("plain",)).get_content().rstrip() == "Booked – £3.20"
    assert message.get_body(("html",)).get_content().strip() == "<!DOCTYPE html><p>Booked – £3.20</p>"
    [attachment] = message.iter_attachments()
    assert attachment.get_filename() == "booking-K7.ics" and attachment.get_param("method") == "PUBLISH"
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_payload(decode=True) == CALENDAR


def test_smtp_delivers_text_html_and_attachments_as_one_multipart_message(app_ctx, tmp_path, smtp_server):
    controller, inbox = smtp_server
    queue_html()
    assert send_due(db.session, settings(tmp_path, server="127.0.0.1", port=controller.port)).sent == 1
    assert_multipart(inbox.messages[0].original_content)


def test_eml_files_keep_the_html_part_and_attachments(app_ctx, tmp_path):
    queue_html()
    assert send_due(db.session, settings(tmp_path)).sent == 1
    [file] = (tmp_path / "mail").glob("*.eml")
    assert_multipart(file.read_bytes())


def test_a_failed_send_is_kept_and_retried_later(app_ctx, tmp_path, smtp_server):
    queue(1)
    down = settings(tmp_path, server="127.0.0.1", port=closed_port())
    report = send_due(db.session, down)
    assert (report.sent, report.failed) == (0, 1)
    message = db.session.scalars(sa.select(OutboxMessage)).one()
    assert message.sent_at is None and message.attempts == 1
    assert "ConnectionRefusedError" in message.last_error
    assert message.next_attempt_at > utcnow()
    # Not due yet: a second run leaves it alone.
    assert send_due(db.session, down).failed == 0
    # Once due again, and the server is back, it goes out.
    message.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    controller, inbox = smtp_server
    assert send_due(db.session, settings(tmp_path, server="127.0.0.1", port=controller.port)).sent == 1
    assert len(inbox.messages) == 1


def test_retry_delays_grow_and_are_capped():
    assert [outbox.retry_delay(n).total_seconds() / 60 for n in (1, 2, 3, 10, 20)] == [1, 2, 4, 360, 360]


def test_outbox_send_command(app, app_ctx, tmp_path):
    queue(1)
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0 and "sent 1, failed 0" in result.output
