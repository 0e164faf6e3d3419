"""Offline forum input: in-person forums (date, place, participants by stakeholder type) and their
contributions, entered or imported by moderators and analysed and answered with the online
submissions, marked as offline."""
