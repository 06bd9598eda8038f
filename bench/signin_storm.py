"""Sign-in storm driver for bench/signin_storm.sh: CLIENTS threads sign in for SECONDS.

mode ``primary``: ``auth_ext.sign_in_email(email, password)`` on the primary (scrypt there);
mode ``standby``: ``auth_ext.password_proof(email, password)`` on the standby, then
``auth_ext.sign_in_email(email => ..., password => NULL, password_proof => ...)`` on the primary.
Each client signs in once before the timed part (its backends warm, as a pool's are).
Prints one JSON line: sign-ins completed, errors, seconds, and the CPU seconds the primary's
postmaster and all its processes used over the timed part (utime + stime from /proc, with those
of processes that exited and were reaped).
Usage: signin_storm.py MODE PRIMARY_DSN STANDBY_DSN SECONDS CLIENTS USERS PASSWORD PRIMARY_PID
"""

import json
import os
import sys
import threading
import time

import psycopg


def cpu_seconds(postmaster: int) -> float:
    """CPU seconds of a postmaster and its child processes, reaped ones included."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in [postmaster, *children(postmaster)]:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:  # exited meanwhile: its time is in the postmaster's reaped-children fields
            continue
        total += int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if pid == postmaster else 0)
    return total / ticks


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except OSError:
                continue
    return found


def main() -> None:
    mode, primary_dsn, standby_dsn = sys.argv[1], sys.argv[2], sys.argv[3]
    seconds, clients, users, password = float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), sys.argv[7]
    postmaster = int(sys.argv[8])
    done = [0] * clients
    errors = [0] * clients
    start = threading.Barrier(clients + 1)
    deadline = [0.0]

    def client(index: int) -> None:
        with psycopg.connect(primary_dsn, autocommit=True) as primary, \
                psycopg.connect(standby_dsn, autocommit=True) as standby:

            def sign_in(email: str) -> None:
                if mode == "primary":
                    primary.execute("SELECT auth_ext.sign_in_email(%s, %s)", (email, password)).fetchone()
                else:
                    row = standby.execute("SELECT auth_ext.password_proof(%s, %s)", (email, password)).fetchone()
                    primary.execute("SELECT auth_ext.sign_in_email(%s, NULL, '{}', %s)",
                                    (email, row[0] if row else None)).fetchone()

            sign_in(f"storm{index % users}@bench.example")  # warm-up, not counted
            start.wait()
            i = index
            while time.monotonic() < deadline[0]:
                email = f"storm{i % users}@bench.example"
                i += clients
                try:
                    sign_in(email)
                    done[index] += 1
                except psycopg.Error:
                    errors[index] += 1

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    deadline[0] = float("inf")
    start.wait()  # every client connected and warm
    cpu_before = cpu_seconds(postmaster)
    began = time.monotonic()
    deadline[0] = began + seconds
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    cpu = cpu_seconds(postmaster) - cpu_before
    print(json.dumps({"signins": sum(done), "errors": sum(errors), "seconds": elapsed, "primary_cpu": cpu}))


if __name__ == "__main__":
    main()
