"""Neural networks in NumPy: layers, networks, the softmax cross-entropy loss, training.

* ``mathbehindml.nn.base``: the layer protocol and its base class
  :class:`~mathbehindml.nn.base.Layer`;
* ``mathbehindml.nn.layers``: :class:`~mathbehindml.nn.layers.Dense`,
  :class:`~mathbehindml.nn.layers.ReLU`, :class:`~mathbehindml.nn.layers.Sigmoid`,
  :class:`~mathbehindml.nn.layers.Tanh`, :class:`~mathbehindml.nn.layers.Flatten`;
* ``mathbehindml.nn.network``: :class:`~mathbehindml.nn.network.Sequential` and
  :class:`~mathbehindml.nn.network.SoftmaxCrossEntropy`;
* ``mathbehindml.nn.training``: :func:`~mathbehindml.nn.training.train` and the
  :class:`~mathbehindml.nn.training.History` it returns;
* ``mathbehindml.nn.conv_layers``: :class:`~mathbehindml.nn.conv_layers.Conv2D`,
  :class:`~mathbehindml.nn.conv_layers.MaxPool2D`,
  :class:`~mathbehindml.nn.conv_layers.AvgPool2D` and
  :class:`~mathbehindml.nn.conv_layers.Reshape`, on the functional core of
  ``mathbehindml.nn.conv`` (``conv2d``, ``im2col``, ``max_pool2d``, ...).

Every layer's ``backward`` is checked against central differences by
``mathbehindml.gradcheck.check_layer``; the optimizers of ``mathbehindml.optim``
update the parameters.
"""

from __future__ import annotations

from mathbehindml.nn.base import Layer
from mathbehindml.nn.conv_layers import AvgPool2D, Conv2D, MaxPool2D, Reshape
from mathbehindml.nn.layers import Dense, Flatten, ReLU, Sigmoid, Tanh
from mathbehindml.nn.network import Sequential, SoftmaxCrossEntropy
from mathbehindml.nn.training import History, train

__all__ = [
    "AvgPool2D",
    "Conv2D",
    "Dense",
    "Flatten",
    "History",
    "Layer",
    "MaxPool2D",
    "ReLU",
    "Reshape",
    "Sequential",
    "Sigmoid",
    "SoftmaxCrossEntropy",
    "Tanh",
    "train",
]
