"""A real SMTP server on loopback for the tests (Debian's python3-aiosmtpd):
it keeps every message it accepts, and can answer 451 (try later) or 550
(refused) for chosen recipients, or be stopped and started again."""

import email
import email.policy
import socket
import threading
import time

from aiosmtpd.controller import Controller


class _Handler:
    def __init__(self, sink):
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        code = self.sink.answer_for(address)
        if code:
            return code
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.sink.lock:
            self.sink.messages.append((list(envelope.rcpt_tos), msg))
        return "250 Message accepted"


class SmtpSink:
    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()
        self.rules = {}  # address -> "451 ..." / "550 ..."
        self.controller = None
        self.port = None

    def answer_for(self, address):
        with self.lock:
            return self.rules.get(address.lower())

    def refuse(self, address, code):
        with self.lock:
            if code:
                self.rules[address.lower()] = "451 4.3.0 try again later" if code == 451 else "550 5.1.1 no such user"
            else:
                self.rules.pop(address.lower(), None)

    def start(self):
        if not self.port:
            with socket.socket() as s:  # a free loopback port (the controller needs one)
                s.bind(("127.0.0.1", 0))
                self.port = s.getsockname()[1]
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None

    def received(self):
        with self.lock:
            return list(self.messages)

    def to(self, address):
        return [m for rcpt, m in self.received() if address in rcpt]

    def server_env(self):
        """The environment of a warroom server that delivers here at once:
        fast retries, no rate limit worth the name."""
        return {"WARROOM_SMTP_URL": "smtp://127.0.0.1:%d" % self.port,
                "WARROOM_MAIL_FROM": "warroom@war-room.example",
                "WARROOM_SMTP_RETRY_BASE": "1", "WARROOM_SMTP_RATE": "1000"}


def wait_for(cond, what, timeout=60):
    """cond()'s first true value, polled every 0.2 s; AssertionError after timeout s."""
    end = time.time() + timeout
    while time.time() < end:
        v = cond()
        if v:
            return v
        time.sleep(0.2)
    raise AssertionError("timed out waiting for " + what)
