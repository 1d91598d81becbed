"""Mail through an outbox: a message is a row written in the same transaction as the change it
announces, so it is sent if and only if that change commits. `flask outbox send` delivers due
rows; a failed send stays in the table and is retried later with a growing delay.

A message is plain text, or text with an HTML alternative, and may carry attachments (a
booking's .ics). Its parts are rendered when it is queued, so the mail says what was true when
the change committed; `mail.py` renders them from templates."""
from __future__ import annotations

import logging
import smtplib
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ..extensions import db
from .db import UTCDateTime
from .mail import Attachment, Email, render_email
from .time import utcnow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 12


class OutboxMessage(db.Model):
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(sa.String(254), nullable=False)
    subject: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    body_text: Mapped[str] = mapped_column(sa.Text, nullable=False)
    body_html: Mapped[str | None] = mapped_column(sa.Text)  # None: a text-only message
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True, nullable=False)
    attempts: Mapped[int] = mapped_column(default=0, nullable=False)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    attachments: Mapped[list[OutboxAttachment]] = relationship(
        cascade="all, delete-orphan", order_by="OutboxAttachment.id")


class OutboxAttachment(db.Model):
    __tablename__ = "outbox_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(sa.ForeignKey("outbox.id", ondelete="CASCADE"), index=True,
                                            nullable=False)
    filename: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    content_type: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    content: Mapped[bytes] = mapped_column(sa.LargeBinary, nullable=False)


def draft(*, to: str, subject: str, body: str, html: str | None = None,
          attachments: Sequence[Attachment] = ()) -> OutboxMessage:
    """A message not yet in any session (`enqueue` adds one; previews only look at it)."""
    return OutboxMessage(to_address=to, subject=subject[:200], body_text=body, body_html=html,
                         attachments=[OutboxAttachment(filename=a.filename, content_type=a.content_type,
                                                       content=a.content) for a in attachments])


def enqueue(session: Session, *, to: str, subject: str, body: str, html: str | None = None,
            attachments: Sequence[Attachment] = ()) -> OutboxMessage:
    """Add a message to the caller's transaction; the caller commits. `body` is the text part;
    `html`, when given, its HTML alternative."""
    message = draft(to=to, subject=subject, body=body, html=html, attachments=attachments)
    session.add(message)
    return message


def draft_email(*, to: str, email: Email) -> OutboxMessage:
    return draft(to=to, subject=email.subject, body=email.text, html=email.html, attachments=email.attachments)


def enqueue_email(session: Session, *, to: str, email: Email) -> OutboxMessage:
    return enqueue(session, to=to, subject=email.subject, body=email.text, html=email.html,
                   attachments=email.attachments)


def enqueue_template(session: Session, *, to: str, subject: str, template: str,
                     attachments: Sequence[Attachment] = (), **context) -> OutboxMessage:
    """Render `templates/emails/<template>.txt` and `.html` with `context` and queue both."""
    return enqueue_email(session, to=to, email=render_email(template, subject=subject,
                                                            attachments=attachments, **context))


@dataclass(frozen=True)
class MailSettings:
    sender: str
    server: str | None
    port: int
    username: str | None
    password: str | None
    use_tls: bool
    use_ssl: bool
    timeout: int
    file_dir: Path

    @classmethod
    def from_config(cls, config) -> MailSettings:
        return cls(
            sender=config["MAIL_DEFAULT_SENDER"], server=config.get("MAIL_SERVER"),
            port=config["MAIL_PORT"], username=config.get("MAIL_USERNAME"),
            password=config.get("MAIL_PASSWORD"), use_tls=config["MAIL_USE_TLS"],
            use_ssl=config["MAIL_USE_SSL"], timeout=config["MAIL_TIMEOUT"],
            file_dir=Path(config["MAIL_FILE_DIR"]),
        )


def build_email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to_address
    email["Subject"] = message.subject
    # A stable id per outbox row lets a receiving server spot a resend after a crash.
    email["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}")
    email.set_content(message.body_text)
    if message.body_html is not None:
        email.add_alternative(message.body_html, subtype="html")
    for attachment in message.attachments:
        maintype, _, rest = attachment.content_type.partition("/")
        subtype, *params = (part.strip() for part in rest.split(";"))
        email.add_attachment(attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename,
                             params=dict(param.split("=", 1) for param in params if "=" in param))
    return email


def smtp_transport(settings: MailSettings) -> Callable[[EmailMessage], None]:
    def send(email: EmailMessage) -> None:
        smtp_class = smtplib.SMTP_SSL if settings.use_ssl else smtplib.SMTP
        with smtp_class(settings.server, settings.port, timeout=settings.timeout) as smtp:
            if settings.use_tls and not settings.use_ssl:
                smtp.starttls(context=ssl.create_default_context())
            if settings.username:
                smtp.login(settings.username, settings.password or "")
            smtp.send_message(email)

    return send


def file_transport(settings: MailSettings) -> Callable[[EmailMessage], None]:
    def send(email: EmailMessage) -> None:
        settings.file_dir.mkdir(parents=True, exist_ok=True)
        msgid = email["Message-ID"].strip("<>").split("@")[0]
        # A UTC timestamp first, to the nanosecond, so files sort in the order they were sent
        # and a person looking in the folder finds the newest last.
        ns = time.time_ns()
        stamp = datetime.fromtimestamp(ns // 1_000_000_000, UTC).strftime("%Y%m%dT%H%M%S")
        (settings.file_dir / f"{stamp}.{ns % 1_000_000_000:09d}Z-{msgid}.eml").write_bytes(bytes(email))

    return send


def transport_for(settings: MailSettings) -> Callable[[EmailMessage], None]:
    return smtp_transport(settings) if settings.server else file_transport(settings)


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4 … minutes, at most 6 hours between tries."""
    return timedelta(minutes=min(2 ** (attempts - 1), 360))


@dataclass(frozen=True)
class SendReport:
    sent: int
    failed: int


def send_due(session: Session, settings: MailSettings, *, limit: int = 100,
             transport: Callable[[EmailMessage], None] | None = None) -> SendReport:
    """Deliver messages that are due, each in its own transaction. On PostgreSQL, rows another
    sender holds are skipped (SKIP LOCKED), so several `outbox send` runs never send twice."""
    transport = transport or transport_for(settings)
    sent = failed = 0
    for _ in range(limit):
        now = utcnow()
        message = session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.sent_at.is_(None), OutboxMessage.next_attempt_at <= now,
                   OutboxMessage.attempts < MAX_ATTEMPTS)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).first()
        if message is None:
            break
        try:
            transport(build_email(message, settings.sender))
        except (OSError, smtplib.SMTPException) as exc:
            message.attempts += 1
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            message.next_attempt_at = utcnow() + retry_delay(message.attempts)
            failed += 1
            log.warning("outbox message %s not sent (attempt %s): %s", message.id, message.attempts, exc)
        else:
            message.sent_at = utcnow()
            message.last_error = None
            sent += 1
        session.commit()
    return SendReport(sent=sent, failed=failed)
