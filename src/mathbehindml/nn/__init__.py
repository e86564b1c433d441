"""Neural networks in NumPy: layers, networks, the softmax cross-entropy loss, training.

* ``mathbehindml.nn.base``: the layer protocol and its base class
  :class:`~mathbehindml.nn.base.Layer`;
* ``mathbehindml.nn.layers``: :class:`~mathbehindml.nn.layers.Dense`,
  :class:`~mathbehindml.nn.layers.ReLU`, :class:`~mathbehindml.nn.layers.Sigmoid`,
  :class:`~mathbehindml.nn.layers.Tanh`, :class:`~mathbehindml.nn.layers.Flatten`;
* ``mathbehindml.nn.network``: :class:`~mathbehindml.nn.network.Sequential` and
  :class:`~mathbehindml.nn.network.SoftmaxCrossEntropy`;
* ``mathbehindml.nn.training``: :func:`~mathbehindml.nn.training.train` and the
  :class:`~mathbehindml.nn.training.History` it returns.

Every layer's ``backward`` is checked against central differences by
``mathbehindml.gradcheck.check_layer``; the optimizers of ``mathbehindml.optim``
update the parameters.
"""

from __future__ import annotations

from mathbehindml.nn.base import Layer
from mathbehindml.nn.layers import Dense, Flatten, ReLU, Sigmoid, Tanh
from mathbehindml.nn.network import Sequential, SoftmaxCrossEntropy
from mathbehindml.nn.training import History, train

__all__ = [
    "Dense",
    "Flatten",
    "History",
    "Layer",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "SoftmaxCrossEntropy",
    "Tanh",
    "train",
]
