#!/usr/bin/env python3
"""Makes the .npy/.npz fixtures for NpyTest with real numpy.

Run from this directory: python3 make_fixtures.py
The generated files are committed; rerun only to change them. Arrays are chosen to cover
awkward values (NaN, -0.0, subnormals, infinities, extremes of int32) and header variants.
"""
import os
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))


def save(name, a):
    np.save(os.path.join(here, name), a)


# The seed tutorial's training data, as np.array(..., dtype='float32').
inputs = np.array([[73, 67, 43], [91, 88, 64], [87, 134, 58], [102, 43, 37], [69, 96, 70]], dtype='float32')
targets = np.array([[56, 70], [81, 101], [119, 133], [22, 37], [103, 119]], dtype='float32')
save('inputs.npy', inputs)

save('f32.npy', np.array([[1.5, -0.0, np.nan], [np.inf, 1e-45, 3.4028235e38]], dtype='<f4'))
save('f64.npy', np.array([0.1, -2.5, 5e-324, -np.inf], dtype='<f8'))
save('i32.npy', np.array([[-2147483648, -1, 0], [1, 42, 2147483647]], dtype='<i4'))
save('i64.npy', np.array([1, -2, 2**31 - 1, -2**31], dtype='<i8'))
save('i64_overflow.npy', np.array([0, 7, 2**31], dtype='<i8'))
save('bool.npy', np.array([[True, False, True], [False, False, True]]))
save('scalar.npy', np.array(3.5, dtype='<f4'))
save('empty.npy', np.zeros((0, 3), dtype='<f8'))
save('f32_be.npy', np.array([1.0, -2.5, 3.25], dtype='>f4'))
save('f64_be.npy', np.array([[0.1, -0.0], [1e300, 5e-324]], dtype='>f8'))
save('i32_be.npy', np.array([1, -2, 65536], dtype='>i4'))
save('i64_be.npy', np.array([3, -4], dtype='>i8'))
with open(os.path.join(here, 'f32_v2.npy'), 'wb') as f:
    np.lib.format.write_array(f, np.array([[1, 2], [3, 4]], dtype='<f4'), version=(2, 0))
save('fortran.npy', np.asfortranarray(np.arange(6, dtype='<f8').reshape(2, 3)))
save('f16.npy', np.array([1, 2], dtype='<f2'))
save('object.npy', np.array([1, 'a', None], dtype=object))
save('structured.npy', np.zeros(2, dtype=[('a', '<f4'), ('b', '<i4')]))

np.savez(os.path.join(here, 'two.npz'), inputs=inputs, targets=targets)
np.savez_compressed(os.path.join(here, 'two_compressed.npz'), inputs=inputs, targets=targets)
