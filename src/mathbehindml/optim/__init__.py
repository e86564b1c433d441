"""Optimisation: gradient descent, mini-batches and the optimizers SGD, Momentum, Adam.

* ``mathbehindml.optim.gradient_descent``: :func:`gradient_descent` and the
  :class:`OptimizeResult` it returns;
* ``mathbehindml.optim.batching``: :func:`minibatches`;
* ``mathbehindml.optim.optimizers``: :class:`SGD`, :class:`Momentum`, :class:`Adam`
  (subclasses of :class:`Optimizer`), whose ``step(params, grads)`` updates
  parameter arrays in place.
"""

from __future__ import annotations

from mathbehindml.optim.batching import minibatches
from mathbehindml.optim.gradient_descent import OptimizeResult, gradient_descent
from mathbehindml.optim.optimizers import SGD, Adam, Momentum, Optimizer

__all__ = [
    "SGD",
    "Adam",
    "Momentum",
    "OptimizeResult",
    "Optimizer",
    "gradient_descent",
    "minibatches",
]
