"""Training: the tutorial's gradient descent on linear regression, replayable.

Owns the data sets (`datasets`), the training loop that records every epoch
(`descent`), the least-squares reference and stable learning rate
(`least_squares`), the player's data (`player_data`), one epoch's loss graph
(`loss_graph`), the plain-PyTorch script for a run (`script`) and the one call a
page makes for everything it shows (`replay`).

May import: torch, numpy, the standard library, `playground.sandbox` and
`playground.graph`. Nothing from the top-level modules or the pages.
"""
