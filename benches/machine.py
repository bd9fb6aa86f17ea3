"""The machine a figure came from: CPU model, family and model numbers, core count.

Ratios against MediaPipe depend on the CPU, and a hypervisor may show only "AMD EPYC" or
"Intel(R) Xeon(R) Processor" for several generations (the AMD EPYC of sessions 17-24 ran
MediaPipe at 16-19 ms a frame, the family 26 one of 2026-12-06 at 11): the family and model
numbers tell them apart. `python3 benches/machine.py` prints it for the shell benchmarks.
"""

import os


def machine():
    """E.g. "AMD EPYC (family 26, model 2), 2 cores"."""
    fields = {}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                key = key.strip()
                if not line.strip():
                    break  # the first processor's block is enough
                fields.setdefault(key, value.strip())
    except OSError:
        pass
    name = fields.get("model name", "unknown CPU")
    if "cpu family" in fields and "model" in fields:
        name += f" (family {fields['cpu family']}, model {fields['model']})"
    return f"{name}, {os.cpu_count()} cores"


if __name__ == "__main__":
    print(machine())
