print("greenstream: not implemented yet")
