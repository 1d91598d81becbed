"""CLI: `flask seed-demo`, `flask outbox send`, `flask emails preview`."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .core import outbox
from .extensions import db


def register_commands(app: Flask) -> None:
    @app.cli.command("seed-demo")
    def seed_demo_command() -> None:
        """Load the demo bakery-café (safe to run again: it only adds what is missing)."""
        from .demo.seed import seed_demo

        config = current_app.config
        report = seed_demo(db.session, {"timezone": config["STORE_TIMEZONE"],
                                        "currency": config["STORE_CURRENCY"], "locale": config["STORE_LOCALE"]})
        if report.changed:
            for what, count in report.created.items():
                click.echo(f"added {count} {what}")
        else:
            click.echo("demo data already in place: nothing changed")
        click.echo("demo accounts (role, email, password):")
        for role, email, password in report.accounts:
            click.echo(f"  {role:<9} {email:<32} {password}")

    outbox_cli = AppGroup("outbox", help="The mail outbox.")

    @outbox_cli.command("send")
    @click.option("--limit", default=100, show_default=True, help="Most messages to try in this run.")
    def send_command(limit: int) -> None:
        """Deliver due messages: SMTP when MAIL_SERVER is set, else .eml files under instance/mail/."""
        settings = outbox.MailSettings.from_config(current_app.config)
        report = outbox.send_due(db.session, settings, limit=limit)
        click.echo(f"sent {report.sent}, failed {report.failed} (failed ones are retried later)")

    app.cli.add_command(outbox_cli)

    emails_cli = AppGroup("emails", help="The emails the shop sends.")

    @emails_cli.command("preview")
    @click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
                  help="Folder for the files (default: instance/email-previews).")
    def preview_command(out: Path | None) -> None:
        """Render every email with demo data: NAME.html, NAME.txt and NAME.eml (as sent) per email."""
        from .demo.emails import render_samples

        out = out or Path(current_app.instance_path) / "email-previews"
        out.mkdir(parents=True, exist_ok=True)
        sender = current_app.config["MAIL_DEFAULT_SENDER"]
        for name, email in render_samples().items():
            (out / f"{name}.html").write_text(email.html or "", encoding="utf-8")
            (out / f"{name}.txt").write_text(email.text, encoding="utf-8")
            message = outbox.draft_email(to="robin@example.com", email=email)
            (out / f"{name}.eml").write_bytes(bytes(outbox.build_email(message, sender)))
            click.echo(f"{name}: {email.subject}")
        click.echo(f"written to {out}")

    app.cli.add_command(emails_cli)
