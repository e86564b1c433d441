"""Training a classifier by mini-batch gradient steps, and the :class:`History` it records."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathbehindml._validation import (
    check_2d,
    check_bool,
    check_class_indices,
    check_consistent_length,
    check_positive_int,
    check_random_state,
)
from mathbehindml.nn.base import Array, check_protocol
from mathbehindml.optim import minibatches
from mathbehindml.optim.optimizers import Optimizer

__all__ = ["History", "train"]


@dataclass
class History:
    """Per-epoch record of a :func:`train` run.

    Parameters
    ----------
    train_loss : list of float
        The mean training loss of each epoch: the average over the epoch's
        mini-batches, weighted by their sizes, each evaluated just before its
        update (so the first entry describes the untrained start too).
    train_accuracy : list of float
        The fraction of training samples classified correctly, from the same
        forward passes.
    val_loss : list of float
        The loss on the validation set after each epoch (empty without one).
    val_accuracy : list of float
        The validation accuracy after each epoch (empty without one).

    Examples
    --------
    >>> h = History(train_loss=[0.9, 0.5], train_accuracy=[0.6, 0.8])
    >>> len(h.train_loss), h.val_accuracy
    (2, [])
    """

    train_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)


def _check_train_args(model: Any, loss: Any, optimizer: Any, validation: Any
                      ) -> tuple[Array, NDArray[np.intp]] | None:
    check_protocol(model, "model")
    if not (callable(getattr(loss, "forward", None)) and callable(getattr(loss, "backward", None))):
        raise TypeError(
            f"loss must have forward(logits, y) -> float and backward() -> grad; got "
            f"{type(loss).__name__} {loss!r}. Pass loss=SoftmaxCrossEntropy()."
        )
    if not callable(getattr(optimizer, "step", None)):
        raise TypeError(
            f"optimizer must have step(params, grads); got {type(optimizer).__name__} "
            f"{optimizer!r}. Pass an optimizer of mathbehindml.optim, e.g. SGD(0.1)."
        )
    if validation is None:
        return None
    if not isinstance(validation, tuple | list) or len(validation) != 2:
        raise TypeError(
            f"validation must be None or a pair (X_val, y_val); got "
            f"{type(validation).__name__}. Pass validation=(X_val, y_val)."
        )
    X_val = check_2d(validation[0], "X_val")
    y_val = check_class_indices(validation[1], "y_val")
    check_consistent_length(X_val=X_val, y_val=y_val)
    return X_val, y_val


class _Batches:
    """The forward pass, loss and backward pass of one mini-batch, for :func:`train`.

    ``train`` validates its data once. The first batch then goes through the
    public, checked ``forward``/``backward`` of the model and the loss, which
    check that every layer accepts what the one before it produces; later
    batches have the same kind of input, so when the model and the loss offer
    unchecked variants (the package's layers, ``Sequential`` and
    ``SoftmaxCrossEntropy`` do), those are used and only the finiteness of the
    logits is checked, once per batch, to report divergence. The backward pass
    skips the network's input gradient, which nobody reads
    (``_backward_params_unchecked``), and a package optimizer takes its later
    steps through ``Optimizer._step_unchecked``.
    """

    def __init__(self, model: Any, loss: Any, optimizer: Any, labels: NDArray[np.intp]) -> None:
        self.model, self.loss, self.optimizer, self.labels = model, loss, optimizer, labels
        self.fast = (callable(getattr(model, "_forward_unchecked", None))
                     and callable(getattr(model, "_backward_unchecked", None))
                     and callable(getattr(loss, "_forward_unchecked", None)))
        self.checked = True
        # after the first, checked step, a package optimizer's unchecked step is used (the
        # keys, shapes and dtypes of the parameters cannot change in between)
        plain = isinstance(optimizer, Optimizer) and type(optimizer).step is Optimizer.step
        self.update = optimizer._step_unchecked if (self.fast and plain) else None
        self.params: dict[str, Array] = {}
        # the network's input gradient is never read: skip it when the model can
        self.backward_params = getattr(model, "_backward_params_unchecked", None)

    def diverged(self, epoch: int) -> ValueError:
        return ValueError(
            f"training diverged in epoch {epoch}: the model's output is not finite. "
            f"Lower the optimizer's learning rate (got {self.optimizer!r}) or rescale X."
        )

    def forward(self, X: Array, y: NDArray[np.intp], epoch: int) -> tuple[Array, float]:
        """The logits of the batch and its mean loss."""
        if not self.checked:
            logits = self.model._forward_unchecked(X)
            if not np.isfinite(logits).all():
                raise self.diverged(epoch)
            return logits, self.loss._forward_unchecked(logits, y)
        logits = np.asarray(self.model.forward(X, training=True))
        try:
            value = float(self.loss.forward(logits, y))
        except ValueError as err:
            if np.all(np.isfinite(logits)):
                raise
            raise self.diverged(epoch) from err
        if self.fast:  # the later batches' labels are not checked by the loss: check them all now
            check_class_indices(self.labels, "y", n_classes=logits.shape[1])
        return logits, value

    def backward(self) -> None:
        """Back-propagate the loss of the last batch; fills the model's ``grads``."""
        if self.checked:
            self.model.backward(self.loss.backward())
            self.checked = not self.fast
        elif self.backward_params is not None:
            self.backward_params(self.loss.backward())
        else:
            self.model._backward_unchecked(self.loss.backward())

    def step(self) -> None:
        """One ``optimizer.step(model.params, model.grads)``, checked the first time."""
        if self.update is None or not self.params:
            self.optimizer.step(self.model.params, self.model.grads)
            self.params = self.model.params if self.update is not None else {}
            return
        self.update(self.params, self.model.grads)


def _predict_scores(model: Any, X: Array) -> Array:
    out = np.asarray(model.forward(X, training=False))
    if out.ndim != 2 or out.shape[0] != X.shape[0]:
        raise ValueError(
            f"model must map (n_samples, n_features) to logits of shape (n_samples, "
            f"n_classes); got output shape {out.shape} for input {X.shape}."
        )
    return out


def train(
    model: Any,
    X: ArrayLike,
    y: ArrayLike,
    *,
    loss: Any,
    optimizer: Any,
    epochs: int,
    batch_size: int,
    random_state: Any = None,
    validation: tuple[ArrayLike, ArrayLike] | None = None,
    verbose: bool = False,
) -> History:
    """Train a classifier by mini-batch gradient steps; return the per-epoch history.

    Each epoch permutes the samples, cuts them into batches
    (``mathbehindml.optim.minibatches``) and, for each batch, runs the
    forward pass, the loss, the backward pass and one
    ``optimizer.step(model.params, model.grads)``. The model is trained in
    place. With the same ``random_state`` (and the same initial weights) two runs
    are identical bit for bit.

    Parameters
    ----------
    model : layer
        A network such as :class:`~mathbehindml.nn.network.Sequential`, mapping
        ``(n, n_features)`` to logits ``(n, n_classes)``.
    X : array-like of shape (n_samples, n_features)
        The training inputs.
    y : array-like of shape (n_samples,)
        The training labels, integers in ``0..n_classes-1``.
    loss : SoftmaxCrossEntropy
        The loss, with ``forward(logits, y) -> float`` and ``backward() -> grad``.
    optimizer : mathbehindml.optim.Optimizer
        Anything with ``step(params, grads)``, e.g. ``SGD(0.1)`` or ``Adam(1e-3)``.
    epochs : int
        The number of passes over the training data (>= 1).
    batch_size : int
        The number of samples per update (>= 1; the last batch may be smaller).
    random_state : None, int or numpy.random.Generator, default None
        The source of the per-epoch permutations.
    validation : tuple (X_val, y_val), optional
        Data evaluated after every epoch, without training on it.
    verbose : bool, default False
        Print one line of progress per epoch.

    Returns
    -------
    History
        The training loss and accuracy of every epoch, and the validation loss
        and accuracy when ``validation`` is given.

    Raises
    ------
    TypeError
        If ``model``, ``loss`` or ``optimizer`` lacks its methods, ``validation``
        is not a pair, or a number has the wrong type.
    ValueError
        If an array has the wrong shape, the lengths differ, a label is out of
        range, ``epochs`` or ``batch_size`` is smaller than 1, or the training
        diverges (the message suggests a smaller learning rate).

    Examples
    --------
    >>> import numpy as np
    >>> from mathbehindml.nn import Dense, Sequential, SoftmaxCrossEntropy, Tanh
    >>> from mathbehindml.optim import SGD
    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    >>> y = np.array([0, 1, 1, 0])  # XOR
    >>> model = Sequential(Dense(2, 8, init="xavier", random_state=0), Tanh(),
    ...                    Dense(8, 2, init="xavier", random_state=1))
    >>> history = train(model, X, y, loss=SoftmaxCrossEntropy(), optimizer=SGD(0.5),
    ...                 epochs=500, batch_size=4, random_state=0)
    >>> history.train_accuracy[-1], model.forward(X).argmax(axis=1)
    (1.0, array([0, 1, 1, 0]))
    """
    val = _check_train_args(model, loss, optimizer, validation)
    X = check_2d(X, "X")
    labels = check_class_indices(y, "y")
    n = check_consistent_length(X=X, y=labels)
    epochs = check_positive_int(epochs, "epochs")
    batch_size = check_positive_int(batch_size, "batch_size")
    verbose = check_bool(verbose, "verbose")
    rng = check_random_state(random_state)

    history = History()
    batch = _Batches(model, loss, optimizer, labels)
    width = len(str(epochs))
    for epoch in range(1, epochs + 1):
        total, correct = 0.0, 0
        for idx in minibatches(n, batch_size, random_state=rng):
            y_batch = labels[idx]
            logits, value = batch.forward(X[idx], y_batch, epoch)  # forward pass, loss
            total += value * idx.shape[0]
            correct += int(np.count_nonzero(logits.argmax(axis=1) == y_batch))
            batch.backward()  # backpropagation: fills model.grads
            batch.step()  # optimizer.step(model.params, model.grads)
        history.train_loss.append(total / n)
        history.train_accuracy.append(correct / n)
        line = (f"epoch {epoch:>{width}}/{epochs}: loss {history.train_loss[-1]:.4f}, "
                f"accuracy {history.train_accuracy[-1]:.4f}")
        if val is not None:
            scores = _predict_scores(model, val[0])
            try:
                history.val_loss.append(float(loss.forward(scores, val[1])))
            except ValueError as err:
                raise ValueError(f"validation=(X_val, y_val) does not fit the model: {err}"
                                 ) from err
            history.val_accuracy.append(float(np.mean(np.argmax(scores, axis=1) == val[1])))
            line += (f", val_loss {history.val_loss[-1]:.4f}, "
                     f"val_accuracy {history.val_accuracy[-1]:.4f}")
        if verbose:
            print(line)
    return history
