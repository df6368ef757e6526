# group: python
# The string formatting styles tutorials print losses with.
import torch

loss = torch.tensor(0.123456789)
epoch, total = 7, 100
print(f"epoch {epoch}/{total} loss {loss.item():.4f}")
print(f"{loss.item():>10.3f}|{epoch:<4d}|{epoch:03d}|")
print(f"{0.000123:e} {1234567.891:,.2f} {0.25:.1%}")
print("Epoch [{}/{}], Loss: {:.4f}".format(epoch, total, loss.item()))
print("{name}={value:.2f}".format(name="lr", value=0.05))
print("loss %.5f at step %d" % (loss.item(), epoch))
print("%s has %d items" % ("batch", 32))
print("%6.2f|%-6s|" % (3.14159, "ok"))
print(", ".join(["a", "b", "c"]))
print(" | ".join(str(round(v, 2)) for v in [0.123, 4.567]))
print(str(3) + "x", repr("hi"), "tab\tsep")
print("done".upper(), "  pad ".strip(), "a,b".split(","))
print(f"{loss}")
print(f"{torch.tensor([1.5, 2.5])}")
print(round(2.675, 2), round(7.5), int(3.9), float("1e-3"), abs(-2))
