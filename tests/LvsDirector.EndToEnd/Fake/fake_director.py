#!/usr/bin/env python3
"""A stand-in for lvsd/lvsadm that ONLY exists to check the end-to-end harness itself (lab, fixture,
parsing, client helpers) before the real daemon works. It is a user-space proxy that puts the VIP on a
kernel interface, so it deliberately breaks the director rules (test DirectorKernel_* must fail with it).

Run as `lvsd ...` or `lvsadm ...` through the two wrapper scripts beside it:
    LVSE2E_BIN_DIR=tests/LvsDirector.EndToEnd/Fake scripts/test.sh --project LvsDirector.EndToEnd
"""
import asyncio
import ipaddress
import json
import math
import os
import signal
import subprocess
import sys


class Dest:
    def __init__(self, addr, port, weight):
        self.addr, self.port, self.weight = addr, port, weight
        self.active = 0
        self.inactive = 0


class Service:
    def __init__(self, proto, addr, port, sched):
        self.proto, self.addr, self.port, self.sched = proto, addr, port, sched
        self.dests = []
        self.i = -1
        self.cw = 0
        self.server = None
        self.udp_flows = {}

    def pick(self):
        live = [d for d in self.dests if d.weight > 0]
        if not live:
            return None
        if self.sched == "rr":
            n = len(self.dests)
            for _ in range(n):
                self.i = (self.i + 1) % n
                if self.dests[self.i].weight > 0:
                    return self.dests[self.i]
            return None
        # IPVS-style interleaved weighted round robin.
        weights = [d.weight for d in self.dests]
        g = 0
        for w in weights:
            g = math.gcd(g, w)
        mx = max(weights)
        n = len(self.dests)
        while True:
            self.i = (self.i + 1) % n
            if self.i == 0:
                self.cw -= g
                if self.cw <= 0:
                    self.cw = mx
            if self.dests[self.i].weight >= self.cw:
                return self.dests[self.i]


class Daemon:
    def __init__(self, interfaces):
        self.interfaces = interfaces
        self.services = {}

    def vip_add(self, addr):
        subprocess.run(["ip", "addr", "add", f"{addr}/32", "dev", self.interfaces[0]], check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def vip_del(self, addr):
        if not any(s.addr == addr for s in self.services.values()):
            subprocess.run(["ip", "addr", "del", f"{addr}/32", "dev", self.interfaces[0]], check=False,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    async def tcp_conn(self, svc, reader, writer):
        dest = svc.pick()
        if dest is None:
            writer.close()
            return
        dest.active += 1
        try:
            ur, uw = await asyncio.open_connection(dest.addr, dest.port)
        except OSError:
            dest.active -= 1
            dest.inactive += 1
            writer.close()
            return

        async def pipe(r, w):
            try:
                while data := await r.read(65536):
                    w.write(data)
                    await w.drain()
                if w.can_write_eof():
                    w.write_eof()
            except OSError:
                pass

        await asyncio.gather(pipe(reader, uw), pipe(ur, writer))
        uw.close()
        writer.close()
        dest.active -= 1
        dest.inactive += 1

    async def start(self, svc):
        loop = asyncio.get_running_loop()
        self.vip_add(svc.addr)
        await asyncio.sleep(0.05)
        if svc.proto == "TCP":
            svc.server = await asyncio.start_server(lambda r, w: self.tcp_conn(svc, r, w), svc.addr, svc.port,
                                                    reuse_address=True)
        else:
            daemon = self

            class Front(asyncio.DatagramProtocol):
                def connection_made(self, transport):
                    self.transport = transport

                def datagram_received(self, data, peer):
                    flow = svc.udp_flows.get(peer)
                    if flow is None:
                        dest = svc.pick()
                        if dest is None:
                            return
                        dest.inactive += 1
                        front = self.transport

                        class Back(asyncio.DatagramProtocol):
                            def datagram_received(self, reply, _):
                                front.sendto(reply, peer)

                        flow = loop.create_task(loop.create_datagram_endpoint(Back, remote_addr=(dest.addr, dest.port)))
                        svc.udp_flows[peer] = flow

                    async def send():
                        transport, _ = await flow
                        transport.sendto(data)

                    loop.create_task(send())

            svc.server, _ = await loop.create_datagram_endpoint(Front, local_addr=(svc.addr, svc.port))

    def stop(self, svc):
        if svc.server is not None:
            svc.server.close()
        self.vip_del(svc.addr)

    async def handle(self, req):
        op = req["op"]
        key = (req.get("proto"), req.get("addr"), req.get("port"))
        if op == "list":
            return {"ok": True, "out": self.render()}
        if op == "clear":
            for svc in list(self.services.values()):
                del self.services[(svc.proto, svc.addr, svc.port)]
                self.stop(svc)
            return {"ok": True}
        svc = self.services.get(key)
        if op == "add-service":
            if svc:
                return {"ok": False, "err": "Service already exists"}
            if req["sched"] not in ("rr", "wrr"):
                return {"ok": False, "err": "Scheduler not found"}
            svc = Service(*key, req["sched"])
            self.services[key] = svc
            await self.start(svc)
            return {"ok": True}
        if svc is None:
            return {"ok": False, "err": "Service not defined"}
        if op == "edit-service":
            if req["sched"] not in ("rr", "wrr"):
                return {"ok": False, "err": "Scheduler not found"}
            svc.sched, svc.i, svc.cw = req["sched"], -1, 0
            return {"ok": True}
        if op == "del-service":
            del self.services[key]
            self.stop(svc)
            return {"ok": True}
        dest = next((d for d in svc.dests if d.addr == req["raddr"] and d.port == req["rport"]), None)
        if op == "add-dest":
            if dest:
                return {"ok": False, "err": "Destination already exists"}
            svc.dests.append(Dest(req["raddr"], req["rport"], req["weight"]))
            return {"ok": True}
        if dest is None:
            return {"ok": False, "err": "No such destination"}
        if op == "edit-dest":
            dest.weight = req["weight"]
            return {"ok": True}
        if op == "del-dest":
            svc.dests.remove(dest)
            return {"ok": True}
        return {"ok": False, "err": f"bad op {op}"}

    def render(self):
        lines = ["IP Virtual Server version 1.2.1 (size=4096)",
                 "Prot LocalAddress:Port Scheduler Flags",
                 "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn"]
        for svc in self.services.values():
            lines.append(f"{svc.proto}  {svc.addr}:{svc.port} {svc.sched}")
            for d in svc.dests:
                lines.append("  -> %-28s %-7s %-6d %-10u %-10u" % (f"{d.addr}:{d.port}", "Masq", d.weight, d.active, d.inactive))
        return "\n".join(lines) + "\n"

    async def control(self, reader, writer):
        req = json.loads(await reader.readline())
        writer.write((json.dumps(await self.handle(req)) + "\n").encode())
        await writer.drain()
        writer.close()


async def lvsd(argv):
    interfaces, sock = [], None
    it = iter(argv)
    for a in it:
        if a == "--interface":
            interfaces.append(next(it))
        elif a == "--socket":
            sock = next(it)
        elif a == "--log-level":
            next(it)
    daemon = Daemon(interfaces)
    if os.path.exists(sock):
        os.unlink(sock)
    server = await asyncio.start_unix_server(daemon.control, sock)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    print("fake lvsd ready", flush=True)
    await stop.wait()
    server.close()
    for svc in list(daemon.services.values()):
        daemon.stop(svc)
    return 0


def lvsadm(argv):
    sock = os.environ.get("LVSADM_SOCKET")
    args = list(argv)
    if "--socket" in args:
        i = args.index("--socket")
        sock = args[i + 1]
        del args[i:i + 2]
    req = {}
    i = 0
    while i < len(args):
        a = args[i]
        ops = {"-A": "add-service", "-E": "edit-service", "-D": "del-service", "-a": "add-dest", "-e": "edit-dest",
               "-d": "del-dest", "-C": "clear", "-L": "list"}
        if a in ops:
            req["op"] = ops[a]
        elif a in ("-t", "-u"):
            addr, port = args[i + 1].rsplit(":", 1)
            req.update(proto="TCP" if a == "-t" else "UDP", addr=str(ipaddress.ip_address(addr)), port=int(port))
            i += 1
        elif a == "-r":
            addr, port = args[i + 1].rsplit(":", 1)
            req.update(raddr=addr, rport=int(port))
            i += 1
        elif a == "-s":
            req["sched"] = args[i + 1]
            i += 1
        elif a == "-w":
            req["weight"] = int(args[i + 1])
            i += 1
        elif a in ("-m", "-n"):
            pass
        else:
            print(f"lvsadm: unknown option {a}", file=sys.stderr)
            return 2
        i += 1
    req.setdefault("weight", 1)
    req.setdefault("sched", "wlc")

    async def call():
        r, w = await asyncio.open_unix_connection(sock)
        w.write((json.dumps(req) + "\n").encode())
        await w.drain()
        return json.loads(await r.readline())

    try:
        resp = asyncio.run(call())
    except OSError as e:
        print(f"lvsadm: cannot reach lvsd at {sock}: {e}", file=sys.stderr)
        return 1
    if not resp["ok"]:
        print(resp["err"], file=sys.stderr)
        return 1
    sys.stdout.write(resp.get("out", ""))
    return 0


if __name__ == "__main__":
    role, rest = sys.argv[1], sys.argv[2:]
    sys.exit(asyncio.run(lvsd(rest)) if role == "lvsd" else lvsadm(rest))
