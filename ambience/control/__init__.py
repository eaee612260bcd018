"""Remote control of a running mixer or player: a private Unix socket (`server`), the
`ambience ctl` client (`client`), the shared request format (`protocol`), what a command does
to a session (`commands`) and media keys over MPRIS2 (`mpris`). No pyo, no Textual here."""
