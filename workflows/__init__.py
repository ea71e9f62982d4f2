"""Pure workflow tables: states, transitions, who may take them and when.

Nothing here imports Flask, SQLAlchemy or the app. The tables work on any object with a
`state` attribute and any actor that exposes `roles` and `portfolio_ids`.
"""
