"""Submissions: respondents' answers and free text, attachments and private receipts."""
