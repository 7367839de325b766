"""An emulated Android device at the adb protocol level, for tests and demos without a phone.

``fake_adbd`` is a device-side adb daemon the real ``adb`` server reaches with ``adb connect 127.0.0.1:PORT``;
``fake_benchmark_model`` is what its shell runs in place of the pushed ``benchmark_model`` binary.
"""
