"""Every table, imported in one place so Alembic and `create_all` see the whole schema."""
from .accounts.models import EmailVerificationToken, MarketingConsent, PasswordResetToken, Role, User  # noqa: F401
from .cakes.models import (  # noqa: F401
                                  CakeConfiguration,
                                  CakeDayCount,
                                  CakeOption,
                                  CakeOptionPrice,
                                  CakePhoto,
                                  CakeRule,
                                  CakeSettings,
)
from .checkout.models import DeliveryZone, OrderingRules, PromoCode, PromoRedemption, SlotBooking  # noqa: F401
from .core.audit import AuditEntry  # noqa: F401
from .core.outbox import OutboxAttachment, OutboxMessage  # noqa: F401
from .loyalty.models import LoyaltyAccount, LoyaltyEntry, LoyaltySettings  # noqa: F401
from .menu.models import Category, Product, ProductAllergen, ProductDiet  # noqa: F401
from .orders.models import Order, OrderLine, OrderStatusChange  # noqa: F401
from .privacy.models import OutboxErasure  # noqa: F401
from .reservations.models import (  # noqa: F401
                                  DiningTable,
                                  Reservation,
                                  ReservationDay,
                                  ReservationHistory,
                                  ReservationSettings,
                                  TableClaim,
                                  TableCombination,
                                  TurnTime,
                                  WaitlistEntry,
)
from .reviews.models import BlockedWord, Review, ReviewReport, ReviewSummary, ReviewVote  # noqa: F401
from .store.models import Closure, OpeningPeriod, StoreSettings  # noqa: F401
