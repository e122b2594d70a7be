"""Prints src/validate/python-names.ts's data from the running Python: its keywords and stdlib modules."""
import keyword
import sys

print(sorted(set(keyword.kwlist + keyword.softkwlist)))
print(sorted(sys.stdlib_module_names))
