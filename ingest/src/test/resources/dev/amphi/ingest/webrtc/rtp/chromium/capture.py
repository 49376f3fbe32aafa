#!/usr/bin/env python3
"""Captures the UDP payloads of two Chromium peer connections talking over loopback.

Run as root (it opens an AF_PACKET socket) on a machine with chromium:
    python3 capture.py OUT.json
It serves nothing and needs no network: page.html (next to this script) connects two
RTCPeerConnections of one page with fake devices; --disable-webrtc-encryption (honoured by
builds that are not Google's stable or beta channel, e.g. Debian's) keeps RTP and RTCP readable.
Each captured datagram becomes {"sport", "dport", "hex"}; DNS (port 53) is left out.
"""
import json
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.ntohs(3))
sock.settimeout(0.2)
profile = tempfile.mkdtemp()
browser = subprocess.Popen(
    ['chromium', '--headless=new', '--no-sandbox', '--use-fake-device-for-media-stream',
     '--use-fake-ui-for-media-stream', '--allow-loopback-in-peer-connection',
     '--disable-webrtc-encryption', '--user-data-dir=' + profile,
     'file://' + os.path.join(here, 'page.html')],
    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
datagrams = []
end = time.time() + 10
while time.time() < end:
    try:
        frame, addr = sock.recvfrom(65535)
    except socket.timeout:
        continue
    if addr[0] == 'lo' and addr[2] == socket.PACKET_OUTGOING:
        continue  # loopback shows each packet twice
    ethertype = struct.unpack('!H', frame[12:14])[0]
    ip = frame[14:]
    if ethertype == 0x0800 and ip[9] == 17:
        udp = ip[(ip[0] & 0x0f) * 4:]
    elif ethertype == 0x86dd and ip[6] == 17:
        udp = ip[40:]
    else:
        continue
    sport, dport, length = struct.unpack('!HHH', udp[:6])
    if 53 not in (sport, dport):
        datagrams.append({'sport': sport, 'dport': dport, 'hex': udp[8:length].hex()})
browser.kill()
browser.wait()
with open(sys.argv[1], 'w') as out:
    json.dump(datagrams, out)
print(len(datagrams), 'datagrams')
