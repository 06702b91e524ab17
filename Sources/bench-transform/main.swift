import GreenStreamCore

print("bench-transform: not implemented yet")
