"""Every bad-input path of convolution and pooling: the error names the argument and the fix."""

from __future__ import annotations

import numpy as np
import pytest

from mathbehindml.nn import AvgPool2D, Conv2D, MaxPool2D, Reshape
from mathbehindml.nn.conv import (
    avg_pool2d,
    avg_pool2d_backward,
    col2im,
    conv2d,
    conv2d_backward,
    conv2d_naive,
    conv_output_size,
    im2col,
    max_pool2d,
    max_pool2d_backward,
)

X = np.zeros((2, 3, 6, 6))
W = np.zeros((4, 3, 3, 3))


@pytest.mark.parametrize("fn", [conv2d, conv2d_naive])
@pytest.mark.parametrize(("x", "w", "kwargs", "error", "match"), [
    (np.zeros((8, 8)), W, {}, ValueError, r"x must be 4-D .*NCHW; got shape \(8, 8\)\. "
                                          r"For one grey image use x\[None, None\]"),
    (np.zeros((5, 8, 8)), W, {}, ValueError, r"got shape \(5, 8, 8\)\. For a batch of grey "
                                             r"images use x\[:, None\]"),
    (np.zeros((1, 1, 1, 8, 8)), W, {}, ValueError, r"x must be 4-D .*Reshape x to"),
    (np.zeros((0, 3, 6, 6)), W, {}, ValueError, r"x must have at least one sample"),
    (np.full((1, 3, 6, 6), np.nan), W, {}, ValueError, r"x must contain only finite values"),
    ([["a"]], W, {}, TypeError, r"x must be numeric"),
    (X, np.zeros((3, 3, 3)), {}, ValueError, r"weight must be a non-empty 4-D array "
                                             r"\(out_channels, in_channels"),
    (X, np.zeros((4, 2, 3, 3)), {}, ValueError, r"weight expects 2 input channels .* x has 3 "
                                                r".*channel axis comes second"),
    (X, np.full((4, 3, 3, 3), np.inf), {}, ValueError, r"weight must contain only finite"),
    (X, W, {"bias": np.zeros(3)}, ValueError, r"bias must have shape \(4,\); got shape \(3,\)"
                                             r"\. Pass one bias per output channel"),
    (X, np.zeros((4, 3, 9, 3)), {}, ValueError, r"the kernel \(9, 3\) is larger than the padded "
                                                r"input \(6, 6\).*more padding"),
    (X, np.zeros((4, 3, 9, 3)), {"padding": 1}, ValueError, r"padded input \(8, 8\)"),
    (X, W, {"stride": 0}, ValueError, r"stride must be >= 1 .*never move the window"),
    (X, W, {"stride": 1.5}, TypeError, r"stride must be an int or a pair \(height, width\) of "
                                       r"ints; got float 1\.5"),
    (X, W, {"stride": 2.0}, TypeError, r"stride must be an int or a pair"),
    (X, W, {"stride": (1,)}, TypeError, r"stride must be an int or a pair"),
    (X, W, {"stride": (1, 2, 3)}, TypeError, r"stride must be an int or a pair"),
    (X, W, {"stride": "2"}, TypeError, r"stride must be an int or a pair"),
    (X, W, {"padding": -1}, ValueError, r"padding must be >= 0 in both directions; got -1"),
    (X, W, {"padding": (1, -2)}, ValueError, r"padding must be >= 0"),
    (X, W, {"padding": True}, TypeError, r"padding must be an int or a pair"),
])
def test_conv2d_rejects_bad_input(fn, x, w, kwargs, error, match):
    kwargs = dict(kwargs)  # the parameter dicts are shared between the two functions
    bias = kwargs.pop("bias", None)
    with pytest.raises(error, match=match):
        fn(x, w, bias, **kwargs)


def test_conv2d_backward_rejects_a_gradient_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"grad_out must have shape \(2, 4, 4, 4\); got shape "
                                         r"\(2, 4, 6, 6\)\. Pass the gradient with respect"):
        conv2d_backward(np.zeros((2, 4, 6, 6)), X, W)
    with pytest.raises(ValueError, match=r"grad_out must contain only finite"):
        conv2d_backward(np.full((2, 4, 4, 4), np.nan), X, W)
    with pytest.raises(ValueError, match=r"weight expects 2 input channels"):
        conv2d_backward(np.zeros((2, 4, 4, 4)), X, np.zeros((4, 2, 3, 3)))


@pytest.mark.parametrize(("args", "kwargs", "error", "match"), [
    ((0, 3), {}, ValueError, r"n must be >= 1; got 0"),
    ((8.0, 3), {}, TypeError, r"n must be an integer; got float"),
    ((8, 0), {}, ValueError, r"kernel_size must be >= 1"),
    ((8, 3), {"stride": 0}, ValueError, r"stride must be >= 1"),
    ((8, 3), {"stride": 1.5}, TypeError, r"stride must be an integer"),
    ((8, 3), {"padding": -1}, ValueError, r"padding must be >= 0"),
    ((4, 7), {"padding": 1}, ValueError, r"the kernel \(7, 7\) is larger than the padded "
                                         r"input \(6, 6\)"),
])
def test_conv_output_size_rejects_bad_input(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        conv_output_size(*args, **kwargs)


def test_im2col_and_col2im_reject_bad_input():
    with pytest.raises(ValueError, match=r"x must be 4-D"):
        im2col(np.zeros((6, 6)), 3)
    with pytest.raises(ValueError, match=r"kernel \(7, 7\) is larger than the padded input"):
        im2col(X, 7)
    with pytest.raises(TypeError, match=r"kernel_size must be an int or a pair"):
        im2col(X, (3, 3.0))
    with pytest.raises(ValueError, match=r"kernel_size must be >= 1"):
        im2col(X, (0, 3))
    cols = im2col(X, 3)
    with pytest.raises(ValueError, match=r"cols must have shape \(2, 27, 16\) \(N, C\*kH\*kW, "
                                         r"H_out\*W_out\).*got shape \(2, 27, 15\)"):
        col2im(cols[:, :, :15], X.shape, 3)
    with pytest.raises(ValueError, match=r"x_shape must be four positive ints"):
        col2im(cols, (2, 3, 6), 3)
    with pytest.raises(ValueError, match=r"x_shape must be four positive ints"):
        col2im(cols, (2, 3, 6, 0), 3)
    with pytest.raises(ValueError, match=r"x_shape must be four positive ints"):
        col2im(cols, "2, 3, 6, 6", 3)
    with pytest.raises(ValueError, match=r"cols must contain only finite"):
        col2im(np.full(cols.shape, np.nan), X.shape, 3)


@pytest.mark.parametrize("fn", [max_pool2d, avg_pool2d])
def test_pooling_rejects_bad_input(fn):
    with pytest.raises(ValueError, match=r"x must be 4-D .*For a batch of grey images"):
        fn(np.zeros((2, 6, 6)), 2)
    with pytest.raises(ValueError, match=r"the pooling window \(7, 2\) is larger than the "
                                         r"padded input \(6, 6\)"):
        fn(X, (7, 2))
    with pytest.raises(ValueError, match=r"kernel_size must be >= 1"):
        fn(X, 0)
    with pytest.raises(ValueError, match=r"stride must be >= 1"):
        fn(X, 2, 0)
    with pytest.raises(TypeError, match=r"stride must be an int or a pair"):
        fn(X, 2, 1.5)
    with pytest.raises(ValueError, match=r"x must contain only finite"):
        fn(np.full((1, 1, 2, 2), np.inf), 2)


def test_pooling_backward_rejects_bad_input():
    with pytest.raises(TypeError, match=r"return_indices must be True or False; got int 1"):
        max_pool2d(X, 2, return_indices=1)
    with pytest.raises(ValueError, match=r"grad_out must have shape \(2, 3, 3, 3\); got shape "
                                         r"\(2, 3, 2, 2\)\. Pass the gradient"):
        max_pool2d_backward(np.zeros((2, 3, 2, 2)), X, 2)
    with pytest.raises(ValueError, match=r"grad_out must have shape \(2, 3, 5, 5\)"):
        avg_pool2d_backward(np.zeros((2, 3, 3, 3)), X.shape, 2, 1)
    with pytest.raises(ValueError, match=r"x_shape must be four positive ints .*e\.g\. x\.shape"):
        avg_pool2d_backward(np.zeros((2, 3, 3, 3)), (2, 3, 6), 2)


@pytest.mark.parametrize(("make", "error", "match"), [
    (lambda: Conv2D(0, 2, 3), ValueError, r"in_channels must be >= 1; got 0"),
    (lambda: Conv2D(1, 0, 3), ValueError, r"out_channels must be >= 1; got 0"),
    (lambda: Conv2D(1.5, 2, 3), TypeError, r"in_channels must be an integer; got float"),
    (lambda: Conv2D(1, 2, 0), ValueError, r"kernel_size must be >= 1"),
    (lambda: Conv2D(1, 2, 2.5), TypeError, r"kernel_size must be an int or a pair"),
    (lambda: Conv2D(1, 2, 3, stride=0), ValueError, r"stride must be >= 1"),
    (lambda: Conv2D(1, 2, 3, stride=1.5), TypeError, r"stride must be an int or a pair"),
    (lambda: Conv2D(1, 2, 3, padding=-1), ValueError, r"padding must be >= 0"),
    (lambda: Conv2D(1, 2, 3, random_state=1.5), TypeError, r"random_state must be None, an int"),
    (lambda: MaxPool2D(0), ValueError, r"kernel_size must be >= 1"),
    (lambda: MaxPool2D(2, stride=0), ValueError, r"stride must be >= 1"),
    (lambda: AvgPool2D((2, 2, 2)), TypeError, r"kernel_size must be an int or a pair"),
    (lambda: Reshape(64), TypeError, r"shape must be a non-empty tuple of ints.*\(1, 8, 8\)"),
    (lambda: Reshape(()), TypeError, r"shape must be a non-empty tuple of ints"),
    (lambda: Reshape((1, 8.0)), TypeError, r"shape must be a non-empty tuple of ints"),
    (lambda: Reshape((1, 0)), ValueError, r"shape must have entries >= 1; got \(1, 0\)"),
])
def test_layer_constructors_reject_bad_arguments(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_layers_reject_bad_input_and_misuse():
    conv = Conv2D(3, 2, 3, random_state=0)
    with pytest.raises(ValueError, match=r"x has 1 channels \(x\.shape\[1\]\), but Conv2D\(3, "
                                         r"2, .*expects 3.*Images are NCHW"):
        conv.forward(np.zeros((2, 1, 6, 6)))
    with pytest.raises(ValueError, match=r"x must be 4-D"):
        conv.forward(np.zeros((2, 108)))
    with pytest.raises(ValueError, match=r"the kernel \(3, 3\) is larger than the padded input "
                                         r"\(2, 6\)"):
        conv.forward(np.zeros((2, 3, 2, 6)))
    with pytest.raises(ValueError, match=r"Conv2D.backward was called before forward"):
        conv.backward(np.zeros((2, 2, 4, 4)))
    conv.forward(X)
    with pytest.raises(ValueError, match=r"grad_out must have the shape of Conv2D's last output, "
                                         r"\(2, 2, 4, 4\)"):
        conv.backward(np.zeros((2, 2, 6, 6)))
    conv.forward(X, training=False)
    with pytest.raises(ValueError, match=r"backward was called before forward"):
        conv.backward(np.zeros((2, 2, 4, 4)))
    with pytest.raises(ValueError, match=r"the pooling window \(3, 3\) is larger"):
        MaxPool2D(3).forward(np.zeros((1, 1, 2, 2)))
    with pytest.raises(ValueError, match=r"x must be 4-D"):
        AvgPool2D(2).forward(np.zeros((4, 4)))
    with pytest.raises(ValueError, match=r"each sample of x must have 64 entries to become "
                                         r"\(1, 8, 8\); got x of shape \(2, 63\)"):
        Reshape((1, 8, 8)).forward(np.zeros((2, 63)))
