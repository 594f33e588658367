"""The Telegram coach: a python-telegram-bot v22 Application. Thin: parse, call core, render."""
