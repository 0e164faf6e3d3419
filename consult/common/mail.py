"""Sending mail through Flask-Mail; in development each message is printed to the log.

With ``MAIL_SUPPRESS_SEND`` on (the default outside production), Flask-Mail does not connect to a
server but still emits ``email_dispatched``; we log the message there, so a developer sees every
receipt and notice in the console.
"""
from __future__ import annotations

from flask import current_app
from flask_mail import Message, email_dispatched

from ..extensions import mail


def _log_message(app, message: Message, **_extra) -> None:
    if app.config.get("MAIL_SUPPRESS_SEND"):
        app.logger.info("mail (not sent) to %s — %s\n%s", ", ".join(message.recipients),
                        message.subject, message.body)


def init_app(app) -> None:
    """Connect the log printer for suppressed mail."""
    email_dispatched.connect(_log_message, weak=False)


def send_mail(to: str, subject: str, body: str) -> None:
    """Send a plain-text message to one address (logged instead when sending is suppressed).

    Failures to reach the mail server are logged, not raised: mail is a courtesy and must never
    undo an accepted submission.
    """
    try:
        mail.send(Message(subject=subject, recipients=[to], body=body))
    except Exception:
        current_app.logger.exception("could not send mail to %s", to)
