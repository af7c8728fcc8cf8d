print("fwctl")
