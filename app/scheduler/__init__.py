"""The scheduler: invitations, reminders, escalations, the weekly digest and mail delivery.

`jobs.tick(now)` runs one pass; `flask scheduler run` runs the jobs on a timetable in a process
of its own, active only while it holds the database lease (see lease.py).
"""
