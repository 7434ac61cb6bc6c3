"""Schemathesis makes one item per API operation, named `test_no_server_error[GET /…]`,
but pytest 9 builds the node id from the function's name alone: 111 items with one id.
pytest-xdist schedules items by node id and would run only one of them; each item gets
its operation in its id (as in its name), which the reports show too."""

from _pytest.nodes import NodeId


def pytest_collection_modifyitems(items):
    for item in items:
        label = getattr(item, "operation_label", None)
        if label and isinstance(getattr(item, "_id", None), NodeId) and item._id.params is None:
            item._id = NodeId(path=item._id.path, names=item._id.names, params=label)
