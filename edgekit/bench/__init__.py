"""Measuring on devices: serial (``serial_bench``) and, from the Android side, adb."""
