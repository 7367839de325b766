"""`adb devices -l` lines as adb prints them for USB phones, emulators and network devices, and their messages."""

from __future__ import annotations

import pytest

from edgekit.android.adb import Device, parse_devices, state_problem

LISTING = """List of devices attached
emulator-5554          device product:sdk_gphone64_arm64 model:sdk_gphone64_arm64 device:emu64a transport_id:1
0123456789ABCDEF       unauthorized usb:1-1 transport_id:2
R58M12ABCDE            no permissions (user in plugdev group; are your udev rules wrong?); see [http://developer.android.com/tools/device.html] usb:1-2 transport_id:3
192.168.1.20:5555      offline transport_id:4
ZY2243                 recovery usb:1-3 product:river model:moto_g_7 device:river transport_id:5

"""


def test_parse_devices() -> None:
    devs = parse_devices(LISTING)
    assert [(d.serial, d.state) for d in devs] == [
        ("emulator-5554", "device"),
        ("0123456789ABCDEF", "unauthorized"),
        ("R58M12ABCDE", "no permissions (user in plugdev group; are your udev rules wrong?); see "
                        "[http://developer.android.com/tools/device.html]"),
        ("192.168.1.20:5555", "offline"),
        ("ZY2243", "recovery"),
    ]
    assert devs[0].props == {"product": "sdk_gphone64_arm64", "model": "sdk_gphone64_arm64", "device": "emu64a",
                             "transport_id": "1"}
    assert devs[4].model == "moto_g_7"
    assert parse_devices("* daemon not running; starting now at tcp:5037\n* daemon started successfully\n"
                         "List of devices attached\n\n") == []


@pytest.mark.parametrize(
    "state, start",
    [
        ("device", None),
        ("unauthorized", "device X is unauthorized: unlock it and accept"),
        ("authorizing", "device X is still authorizing"),
        ("offline", "device X is offline: it stopped answering adb"),
        ("no permissions (user in plugdev group)", "adb has no permission to open device X"),
        ("recovery", "device X is in state 'recovery', not 'device'"),
    ],
)
def test_each_state_has_its_sentence(state: str, start: str | None) -> None:
    msg = state_problem(Device("X", state))
    assert msg == start if start is None else msg is not None and msg.startswith(start) and msg.endswith(".")
