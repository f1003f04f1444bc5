"""Start a command under a data-memory limit: ``python _kernel_launch.py --data BYTES -- CMD...``

The grader runs each submission's kernel through this file. It sets
``RLIMIT_DATA`` on its own process and then replaces itself with ``CMD``
(the kernel), which inherits the limit. Standard library only, and run by
path rather than imported, so it adds milliseconds, not the time it takes
to import embedlib.
"""
import os
import resource
import sys


def main(argv: list[str]) -> None:
    if "--" not in argv:
        sys.exit("usage: _kernel_launch.py [--data BYTES] -- CMD...")
    split = argv.index("--")
    options, cmd = argv[:split], argv[split + 1:]
    if "--data" in options:
        limit = int(options[options.index("--data") + 1])
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    os.execvp(cmd[0], cmd)


if __name__ == "__main__":
    main(sys.argv[1:])
