"""placeholder"""


def defer_parameter_key(spec, mapping, key):
    return False
