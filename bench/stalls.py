#!/usr/bin/env python3
"""Asks one question at a time over one keep-alive connection and prints every answer slower
than a threshold with the time it came, then the percentiles of each answer's own latency.

wrk corrects for the requests a stalled connection did not send, so a stall of the whole
machine shows in its p99 as a run of late requests. Run against the service and then against
the bare server (bench/bare_server.cpp answers any path) to tell the service's stalls from the
machine's:

    bench/stalls.py PORT SECONDS [THRESHOLD_MS] [START_DATE END_DATE]
"""
import random
import socket
import sys
import time


def read_response(sock):
    data = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        data += chunk
        head_end = data.find(b"\r\n\r\n")
        if head_end < 0:
            continue
        length = 0
        for line in data[:head_end].split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        if len(data) >= head_end + 4 + length:
            return


def main():
    port = int(sys.argv[1])
    seconds = float(sys.argv[2])
    threshold_ms = float(sys.argv[3]) if len(sys.argv) > 3 else 5.0
    start, end = sys.argv[4:6] if len(sys.argv) > 5 else ("2026-01-01", "2100-01-01")
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    latencies = []
    stalled_ms = 0.0
    finish = time.monotonic() + seconds
    while time.monotonic() < finish:
        path = random.choice(("metrics", "cost-analysis"))
        request = (
            f"GET /api/v1/llmops/{path}?start_date={start}&end_date={end} HTTP/1.1\r\n"
            f"Host: 127.0.0.1\r\nX-Tenant-ID: tenant-{random.randint(0, 999)}\r\n\r\n"
        ).encode()
        sent = time.perf_counter()
        sock.sendall(request)
        read_response(sock)
        elapsed_ms = (time.perf_counter() - sent) * 1000
        latencies.append(elapsed_ms)
        if elapsed_ms > threshold_ms:
            stalled_ms += elapsed_ms
            print(time.strftime("%H:%M:%S", time.gmtime()), f"{path} {elapsed_ms:.1f} ms", flush=True)

    latencies.sort()
    count = len(latencies)
    at = lambda q: latencies[min(count - 1, int(count * q))]
    print(
        f"answers {count}: p50 {at(0.5):.3f} ms, p99 {at(0.99):.3f} ms, p99.9 {at(0.999):.3f} ms, "
        f"max {latencies[-1]:.1f} ms; {stalled_ms:.0f} ms in answers over {threshold_ms:g} ms"
    )


if __name__ == "__main__":
    main()
