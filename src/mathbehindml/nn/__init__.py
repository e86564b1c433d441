"""Neural networks in NumPy: layers, networks, the softmax cross-entropy loss, training.

* ``mathbehindml.nn.base``: the layer protocol and its base class :class:`Layer`;
* ``mathbehindml.nn.layers``: :class:`Dense`, :class:`ReLU`, :class:`Sigmoid`,
  :class:`Tanh`, :class:`Flatten`;
* ``mathbehindml.nn.network``: :class:`Sequential` and :class:`SoftmaxCrossEntropy`;
* ``mathbehindml.nn.training``: :func:`train` and the :class:`History` it returns;
* ``mathbehindml.nn.conv_layers``: :class:`Conv2D`, :class:`MaxPool2D`,
  :class:`AvgPool2D` and :class:`Reshape`, on the functional core of
  ``mathbehindml.nn.conv`` (``conv2d``, ``im2col``, ``max_pool2d``, ...).

Every layer's ``backward`` is checked against central differences by
:func:`mathbehindml.gradcheck.check_layer`; the optimizers of
:mod:`mathbehindml.optim` update the parameters.
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
