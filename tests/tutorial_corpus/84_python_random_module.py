# group: python
# The random module, seeded, for shuffling and sampling.
import random

random.seed(84)
print(random.random())
print(random.randint(1, 6), random.uniform(-1, 1))
items = list(range(8))
random.shuffle(items)
print(items)
print(random.choice(["sgd", "adam", "rmsprop"]))
print(random.sample(range(100), 4))
print(round(random.gauss(0, 1), 6))
random.seed(84)
print(random.random())
