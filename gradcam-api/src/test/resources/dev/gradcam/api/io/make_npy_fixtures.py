#!/usr/bin/python3
"""Tiny NumPy .npy fixtures for the .npy reader tests.

Run with Debian's interpreter (needs python3-numpy):
    /usr/bin/python3 make_npy_fixtures.py

Writes, next to this script:
  f32_2x3.npy         float32 '<f4', C order, shape (2,3): [[1,2,3],[4,5,6]]
  f32_fortran.npy     float32 '<f4', Fortran order (header fortran_order: True), shape (2,3),
                      same logical values [[1,2,3],[4,5,6]]; the data bytes are column-major:
                      1,4,2,5,3,6
  f64_3.npy           float64 '<f8', shape (3,): [0.5, -1.25, 3.0]
  i64_4.npy           int64 '<i8', shape (4,): [1,2,3,4]
  f32_big_endian.npy  float32 '>f4' (big-endian), shape (2,): [1.5, -2.5]
  f32_scalar.npy      float32 '<f4', 0-d (shape ()): 7.0
  f32_4d.npy          float32 '<f4', C order, shape (1,2,3,4): arange(24)
All files are format version 1.0 (numpy picks 1.0 when the header fits).
"""
import os
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def save(name, arr):
    path = os.path.join(HERE, name)
    np.save(path, arr, allow_pickle=False)
    back = np.load(path, allow_pickle=False)
    assert back.dtype == arr.dtype and back.shape == arr.shape and np.array_equal(back, arr), name
    with open(path, "rb") as f:
        head = f.read(128)
    print(f"{name:20s} dtype={arr.dtype.str} shape={arr.shape} "
          f"fortran={np.isfortran(arr) and arr.ndim > 1} bytes={os.path.getsize(path)} "
          f"version={head[6]}.{head[7]}")


vals = np.array([[1, 2, 3], [4, 5, 6]], dtype="<f4")
save("f32_2x3.npy", np.ascontiguousarray(vals))
save("f32_fortran.npy", np.asfortranarray(vals))
save("f64_3.npy", np.array([0.5, -1.25, 3.0], dtype="<f8"))
save("i64_4.npy", np.array([1, 2, 3, 4], dtype="<i8"))
save("f32_big_endian.npy", np.array([1.5, -2.5], dtype=">f4"))
save("f32_scalar.npy", np.array(7.0, dtype="<f4"))
save("f32_4d.npy", np.arange(24, dtype="<f4").reshape(1, 2, 3, 4))
