"""Contains all the data models used in inputs/outputs"""

from .accepted import Accepted
from .confirmed import Confirmed
from .field_problem import FieldProblem
from .health import Health
from .photo_list import PhotoList
from .photo_out import PhotoOut
from .photo_out_thumbnails import PhotoOutThumbnails
from .photo_upload_request import PhotoUploadRequest
from .photo_upload_request_contenttype import PhotoUploadRequestContenttype
from .post_create import PostCreate
from .post_list import PostList
from .post_out import PostOut
from .post_patch import PostPatch
from .post_summary_out import PostSummaryOut
from .preview_in import PreviewIn
from .preview_out import PreviewOut
from .problem import Problem
from .rejected_write_out import RejectedWriteOut
from .storage_out import StorageOut
from .subscription_in import SubscriptionIn
from .todo_create import TodoCreate
from .todo_list import TodoList
from .todo_out import TodoOut
from .todo_patch import TodoPatch
from .unsubscribed import Unsubscribed
from .upload import Upload
from .upload_fields import UploadFields
from .upload_ticket_out import UploadTicketOut

__all__ = (
    "Accepted",
    "Confirmed",
    "FieldProblem",
    "Health",
    "PhotoList",
    "PhotoOut",
    "PhotoOutThumbnails",
    "PhotoUploadRequest",
    "PhotoUploadRequestContenttype",
    "PostCreate",
    "PostList",
    "PostOut",
    "PostPatch",
    "PostSummaryOut",
    "PreviewIn",
    "PreviewOut",
    "Problem",
    "RejectedWriteOut",
    "StorageOut",
    "SubscriptionIn",
    "TodoCreate",
    "TodoList",
    "TodoOut",
    "TodoPatch",
    "Unsubscribed",
    "Upload",
    "UploadFields",
    "UploadTicketOut",
)
