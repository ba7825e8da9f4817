"""``agent-tui ctl``, ``login`` and ``logout``: the tester's non-interactive CLI.

Modules: ``cli`` (the argument parsers), ``commands`` (what each ctl command does), ``session``
(the login and the short session every command runs in), ``login`` (``login``/``logout``),
``phone`` (``ctl phone``, the headless softphone) and ``exits`` (exit codes, errors, JSON output).

Every ``ctl`` command opens its own short session with the center, prints JSON
on stdout and exits 0; on failure it prints ONE line on stderr and exits with a
code that says what went wrong (see :data:`agent_tui.ctl.exits.EXIT_CODES`).

Credentials: either ``--server/--ca/--user --password-stdin`` (nothing touches
the keyring: made for CI), or the stored login — server, CA file and user from
the client config, the session token (and password, for when the token has
expired) from the OS keyring, written there by ``agent-tui login``.

Why ``ctl`` does not say ``bye``: a ``ctl`` command is an *extra* session of
the agent, next to the desk. ``bye`` would end the agent's presence at once
when ctl happens to be the only session (a tester driving an agent from a
shell: ``ctl state available`` then, later, ``ctl accept``), and would log
out nothing useful when the desk is open. So ctl just closes its socket (after
a final ack): the agent's state, offers and conversations stay for the center's
grace period, and other sessions go on. ``agent-tui logout`` is the one command
that ends the session on the center (``logout`` op + ``bye``).

``ctl events``: without ``--since``/``--cursor`` it is a fresh login and shows
events from now on. ``--cursor FILE`` makes separate invocations continue
where the previous one stopped: the last printed seq is kept in FILE (written
after each event) and the next run resumes after it, so nothing is printed
twice and nothing is skipped (within the center's 7-day retention). The cursor
is an explicit file rather than hidden state, so concurrent scripts and test
runs cannot disturb each other.
"""
